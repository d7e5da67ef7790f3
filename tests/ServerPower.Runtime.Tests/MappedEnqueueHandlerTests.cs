using ServerPower.Api.Resources;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>A watched kind's handler: which keys it enqueues, and in which of the queue's two lines.</summary>
public sealed class MappedEnqueueHandlerTests
{
    private readonly List<ObjectKey> front = [];
    private readonly List<ObjectKey> background = [];

    /// <summary>A provider maps to the servers its "servers" label names (comma-separated), in its namespace.</summary>
    private MappedEnqueueHandler<PowerProviderResource> Handler() => new(
        p => p.Metadata.Labels["servers"].Split(',').Select(name => new ObjectKey(p.Metadata.NamespaceProperty, name)),
        front.Add, background.Add);

    private static PowerProviderResource Provider(string servers, string rv = "1")
    {
        var provider = Resources.Provider("ns", "acme", rv);
        provider.Metadata.Labels = new Dictionary<string, string> { ["servers"] = servers };
        return provider;
    }

    private static ObjectKey[] Keys(params string[] names) => [.. names.Select(name => new ObjectKey("ns", name))];

    [Fact]
    public void An_add_from_a_watch_event_enqueues_the_mapped_keys_in_front()
    {
        Handler().OnAdd(Provider("s1,s2"), relist: false);

        Assert.Equal(Keys("s1", "s2"), front);
        Assert.Empty(background);
    }

    [Fact]
    public void An_add_from_a_relist_enqueues_the_mapped_keys_in_the_background()
    {
        Handler().OnAdd(Provider("s1,s2"), relist: true);

        Assert.Empty(front);
        Assert.Equal(Keys("s1", "s2"), background);
    }

    [Fact]
    public void An_update_from_a_watch_event_enqueues_the_new_and_the_old_objects_keys_in_front()
    {
        Handler().OnUpdate(Provider("s1,s2"), Provider("s2,s3", "2"), relist: false);

        Assert.Equal(Keys("s1", "s2", "s3"), front.OrderBy(k => k.Name));
        Assert.Empty(background);
    }

    [Fact]
    public void An_update_from_a_relist_enqueues_the_new_and_the_old_objects_keys_in_the_background()
    {
        Handler().OnUpdate(Provider("s1"), Provider("s3", "2"), relist: true);

        Assert.Empty(front);
        Assert.Equal(Keys("s1", "s3"), background.OrderBy(k => k.Name));
    }

    [Fact]
    public void A_delete_enqueues_the_mapped_keys_in_front()
    {
        Handler().OnDelete(Provider("s1"));

        Assert.Equal(Keys("s1"), front);
        Assert.Empty(background);
    }
}
