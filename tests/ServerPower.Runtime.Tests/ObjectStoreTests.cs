using ServerPower.Api.Resources;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

public sealed class ObjectStoreTests
{
    [Fact]
    public void An_index_added_to_a_filled_store_files_the_objects_already_there()
    {
        var store = new ObjectStore<ServerPowerResource>();
        store.Set(Resources.Server("ns", "s1", "1", provider: "acme"));
        store.Set(Resources.Server("ns", "s2", "2", provider: "other"));

        store.AddIndex("provider", s => [s.Spec.ProviderRef.Name]);

        Assert.Equal(["s1"], store.ByIndex("provider", "acme").Select(s => s.Metadata.Name));
        Assert.Empty(store.ByIndex("provider", "nobody"));
    }

    [Fact]
    public void An_object_an_indexer_names_twice_under_one_value_is_unfiled_once_when_it_changes_or_goes()
    {
        var store = new ObjectStore<ServerPowerResource>();
        store.AddIndex("provider", s => [s.Spec.ProviderRef.Name, s.Spec.ProviderRef.Name]);
        store.Set(Resources.Server("ns", "s1", "1", provider: "acme"));
        store.Set(Resources.Server("ns", "s2", "1", provider: "acme"));

        store.Set(Resources.Server("ns", "s1", "2", provider: "other"));
        Assert.Equal(["s2"], store.ByIndex("provider", "acme").Select(s => s.Metadata.Name));
        store.Remove(new ObjectKey("ns", "s2"));

        Assert.Empty(store.ByIndex("provider", "acme"));
        Assert.Equal(["s1"], store.ByIndex("provider", "other").Select(s => s.Metadata.Name));
    }
}
