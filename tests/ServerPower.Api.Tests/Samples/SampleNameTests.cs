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

    /// <summary>
    /// Two samples declaring one server of one PowerProvider fought over it in the sandbox (started and stopped at every
    /// resync while both said Ready): no two sample ServerPowers share a server.
    /// </summary>
    [Fact]
    public void No_two_sample_servers_declare_the_same_server()
    {
        var shared = Support.Samples.OfKind(ApiGroup.ServerPowerKind)
            .GroupBy(s => ((string?)s.Spec["providerRef"]?["name"], (string?)s.Spec["serverId"]))
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(s => s.Name))}")
            .ToList();
        Assert.Empty(shared);
    }
}
