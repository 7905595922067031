using QualityAward.LocalHost;

// scripts/run.sh starts this when the Functions host (Core Tools) is not installed:
//   dotnet run --project tools/LocalHost -- [--urls http://127.0.0.1:7071]
var app = LocalFunctionsHost.Build(args);
await app.RunAsync();
