using QualityAward.LocalHost;

// scripts/run.sh starts this when the Functions host (Core Tools) is not installed:
//   dotnet run --project tools/LocalHost -- [--urls http://127.0.0.1:7071]
// and, beside `func start` where it is, the local mailbox alone:
//   dotnet run --project tools/LocalHost -- --mailbox-only --urls http://127.0.0.1:7072
var app = args.Contains(LocalMailboxHost.Switch) ? LocalMailboxHost.Build(args) : LocalFunctionsHost.Build(args);
await app.RunAsync();
