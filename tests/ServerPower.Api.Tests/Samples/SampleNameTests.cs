using ServerPower.Api.Vocabulary;

namespace ServerPower.Api.Tests.Samples;

public sealed class SampleNameTests
{
    [Fact]
    public void Names_are_unique_per_kind_and_startAfter_names_a_sample_server()
    {
        var duplicates = Support.Samples.Documents.GroupBy(d => (d.Kind, d.Name)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
        var servers = Support.Samples.OfKind(ApiGroup.ServerPowerKind).Select(s => s.Name).ToHashSet();
        var listed = Support.Samples.OfKind(ApiGroup.ServerPowerKind)
            .SelectMany(s => s.Spec["startAfter"]?.AsArray().Select(n => (string)n!) ?? [])
            .ToList();
        Assert.NotEmpty(listed);
        Assert.All(listed, name => Assert.Contains(name, servers));
    }
}
