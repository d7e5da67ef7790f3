using System.Reflection;
using ServerPower.Api.Tests.Support;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Api.Tests.Docs;

/// <summary>
/// The API reference (crds/README.md) stays complete as the vocabulary and the CRDs grow; the front page (README.md)
/// keeps the annotations and the test command that .ci/run calls.
/// </summary>
public sealed class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(RepositoryRoot.Combine("README.md"));
    private static readonly string ApiReference = File.ReadAllText(RepositoryRoot.Combine("crds", "README.md"));

    [Fact]
    public void Every_condition_reason_is_explained()
    {
        var missing = typeof(Reasons).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(reason => !ApiReference.Contains($"`{reason}`", StringComparison.Ordinal))
            .ToList();
        Assert.True(missing.Count == 0, "crds/README.md does not explain: " + string.Join(", ", missing));
    }

    [Fact]
    public void Both_annotations_and_the_test_command_are_there()
    {
        Assert.Contains(Annotations.Restart, Readme, StringComparison.Ordinal);
        Assert.Contains(Annotations.Rebuild, Readme, StringComparison.Ordinal);
        Assert.Contains(Annotations.Override, Readme, StringComparison.Ordinal);
        Assert.Contains("dotnet test Operator.sln", Readme, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ApiGroup.ServerPowerKind)]
    [InlineData(ApiGroup.PowerProviderKind)]
    [InlineData(ApiGroup.PowerScheduleKind)]
    public void Every_spec_and_status_field_is_in_the_tour(string kind)
    {
        var prefix = kind.ToLowerInvariant() + ".";
        var missing = Crd.ForKind(kind).Fields()
            .Where(f => f.Path.StartsWith(prefix, StringComparison.Ordinal))
            .Select(f => f.Path[prefix.Length..])
            .Where(p => p.StartsWith("spec.", StringComparison.Ordinal) || p.StartsWith("status.", StringComparison.Ordinal))
            .Where(p => !p.Contains("[]", StringComparison.Ordinal))
            .Where(p => !ApiReference.Contains(p.Count(c => c == '.') == 1 ? p : p[(p.LastIndexOf('.') + 1)..], StringComparison.Ordinal))
            .ToList();
        Assert.True(missing.Count == 0, "crds/README.md does not mention: " + string.Join(", ", missing));
    }
}
