using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Operator.Hosting;

namespace ServerPower.Operator.Tests.Hosting;

/// <summary>The ServerPower cache's transform: the same values, with the strings servers repeat shared between them.</summary>
public sealed class SharedStringsTests
{
    private const string Json = """
        {"apiVersion":"power.serverops.io/v1alpha1","kind":"ServerPower",
         "metadata":{"name":"NAME","namespace":"games","finalizers":["power.serverops.io/stop"],"labels":{"team":"ops"},"annotations":{"note":"x"}},
         "spec":{"providerRef":{"name":"wings-1"},"serverId":"ID","state":"Running"},
         "status":{"powerState":"Running","providerState":"running",
          "conditions":[{"type":"Ready","status":"True","reason":"InDesiredState","message":"the server is Running","lastTransitionTime":"2026-12-05T10:00:00Z"}],
          "lastAction":{"type":"Start","requestTime":"2026-12-05T10:00:00Z","result":"Accepted","message":"accepted by Wings; applied asynchronously","target":"PowerProvider wings-1 server ID"},
          "history":[{"type":"Start","requestTime":"2026-12-05T10:00:00Z","result":"Accepted","message":"accepted by Wings; applied asynchronously"}]}}
        """;

    private static ServerPowerResource Read(string name, string id) => ApiJson.Deserialize<ServerPowerResource>(Json.Replace("NAME", name).Replace("ID", id))!;

    [Fact]
    public void Two_servers_keep_their_values_and_share_the_strings_they_repeat()
    {
        var shared = new SharedStrings();
        var (a, b) = (shared.Share(Read("a", "1")), shared.Share(Read("b", "2")));

        Assert.Equal(ApiJson.Serialize(Read("a", "1")), ApiJson.Serialize(a));
        Assert.Equal(ApiJson.Serialize(Read("b", "2")), ApiJson.Serialize(b));
        string[] Repeated(ServerPowerResource s) =>
        [
            s.ApiVersion, s.Kind, s.Metadata.NamespaceProperty, s.Metadata.Finalizers![0], s.Metadata.Labels!.Keys.Single(),
            s.Metadata.Labels.Values.Single(), s.Metadata.Annotations!.Values.Single(), s.Spec.ProviderRef.Name, s.Status!.ProviderState!,
            s.Status.Conditions![0].Type, s.Status.Conditions[0].Status, s.Status.Conditions[0].Reason, s.Status.Conditions[0].Message,
            s.Status.LastAction!.Message!, s.Status.History![0].Message!,
        ];
        Assert.All(Repeated(a).Zip(Repeated(b)), pair => Assert.Same(pair.First, pair.Second));
        Assert.NotEqual(a.Status!.LastAction!.Target, b.Status!.LastAction!.Target);
    }

    [Fact]
    public void Past_its_size_the_pool_keeps_the_strings_servers_repeat_and_values_stay_right()
    {
        var shared = new SharedStrings();
        var first = shared.Share(Read("a", "1"));
        for (var i = 0; i <= 4 * shared.Size; i++)
        {
            var server = Read("s", "1");
            server.Metadata.Labels!["team"] = $"team-{i}";
            shared.Share(server);
        }
        var later = shared.Share(Read("z", "9"));

        Assert.InRange(shared.Size, SharedStrings.MinimumSize, 2 * SharedStrings.MinimumSize);
        Assert.Equal(ApiJson.Serialize(Read("z", "9")), ApiJson.Serialize(later));
        Assert.Same(first.Status!.Conditions![0].Message, later.Status!.Conditions![0].Message);
    }
}
