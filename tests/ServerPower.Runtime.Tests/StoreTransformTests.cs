using Microsoft.Extensions.DependencyInjection;
using ServerPower.Api.Resources;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

/// <summary>A kind's cache transform (controller-runtime's TransformFunc): applied to every object stored, after the trim.</summary>
public sealed class StoreTransformTests
{
    private static readonly ResourceKind ServerKind = new("example.io", "v1", "servers", "Server");

    private static ServerPowerResource Tagged(ServerPowerResource server)
    {
        server.Metadata.Labels = new Dictionary<string, string> { ["transformed"] = server.Metadata.ResourceVersion ?? "" };
        return server;
    }

    [Fact]
    public void Every_object_stored_is_stored_as_the_transform_returns_it_after_the_trim()
    {
        var store = new ObjectStore<ServerPowerResource> { Transform = Tagged };
        var first = Resources.Server("ns", "s1", "1");
        first.Metadata.Annotations = new Dictionary<string, string> { [ObjectStore<ServerPowerResource>.LastAppliedAnnotation] = "{}" };
        store.Set(first);
        store.Set(Resources.Server("ns", "s1", "2"));

        var stored = store.Get(new ObjectKey("ns", "s1"))!;
        Assert.Equal("2", stored.Metadata.Labels?["transformed"]);
        Assert.Empty(first.Metadata.Annotations);
    }

    [Fact]
    public async Task A_registered_transform_reaches_the_kinds_informer_and_a_second_one_is_refused()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IListWatcher<ServerPowerResource>>(new FakeListWatcher<ServerPowerResource>());
        services.AddOperatorRuntime(new RuntimeOptions());
        var informer = services.AddInformer<ServerPowerResource>(ServerKind).WithTransform(Tagged);
        var error = Assert.Throws<InvalidOperationException>(() => informer.WithTransform(s => s));
        Assert.Equal("the ServerPowerResource cache already has a transform", error.Message);
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<Informer<ServerPowerResource>>().Store;
        store.Set(Resources.Server("ns", "s1", "7"));
        Assert.Equal("7", store.Get(new ObjectKey("ns", "s1"))?.Metadata.Labels?["transformed"]);
    }
}
