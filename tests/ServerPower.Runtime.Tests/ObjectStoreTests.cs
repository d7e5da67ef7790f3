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
}
