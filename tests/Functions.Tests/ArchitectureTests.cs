using System.Xml.Linq;
using QualityAward.Functions.Tests.Infrastructure;

namespace QualityAward.Functions.Tests;

public sealed class ArchitectureTests
{
    [Fact]
    public void Domain_ReferencesNothingButTheBaseLibrary()
    {
        var domain = typeof(QualityAward.Domain.Refusal).Assembly;

        var references = domain.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        Assert.All(references, name => Assert.True(name == "netstandard" || name.StartsWith("System", StringComparison.Ordinal), $"Domain references {name}"));
    }

    [Fact]
    public void DomainProject_HasNoPackageOrProjectReference()
    {
        var project = XDocument.Load(Path.Combine(Repository.Root, "src", "Domain", "Domain.csproj"));

        Assert.Empty(project.Descendants("PackageReference"));
        Assert.Empty(project.Descendants("ProjectReference"));
    }
}
