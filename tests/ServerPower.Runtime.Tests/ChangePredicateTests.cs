using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

public sealed class ChangePredicateTests
{
    private static ServerPowerResource Base() => Resources.Server("ns", "a", "1", generation: 3,
        annotations: new() { ["power.serverops.io/restart"] = "t1" }, power: PowerState.Running);

    public static TheoryData<string, Action<ServerPowerResource>, bool> Changes => new()
    {
        { "status only", s => s.Status = new ServerPowerStatus { PowerState = PowerState.Stopped }, false },
        { "resourceVersion and managed fields only", s => s.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "op" }], false },
        { "generation", s => s.Metadata.Generation = 4, true },
        { "annotation value", s => s.Metadata.Annotations["power.serverops.io/restart"] = "t2", true },
        { "annotation removed", s => s.Metadata.Annotations = null, true },
        { "label added", s => s.Metadata.Labels = new Dictionary<string, string> { ["team"] = "x" }, true },
        { "deletion requested", s => s.Metadata.DeletionTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), true },
        { "finalizer added", s => s.Metadata.Finalizers = ["power.serverops.io/stop-on-delete"], true },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Only_changes_outside_status_enqueue(string change, Action<ServerPowerResource> mutate, bool enqueued)
    {
        var old = Base();
        var updated = Base();
        updated.Metadata.ResourceVersion = "2";
        mutate(updated);
        var keys = new List<ObjectKey>();
        var handler = new EnqueueHandler<ServerPowerResource>(keys.Add);

        handler.OnUpdate(old, updated, relist: false);

        Assert.True(enqueued == (keys.Count == 1), change);
    }

    [Fact]
    public void A_relist_enqueues_even_an_unchanged_object_and_adds_and_deletes_always_enqueue()
    {
        var keys = new List<ObjectKey>();
        var handler = new EnqueueHandler<ServerPowerResource>(keys.Add);

        handler.OnUpdate(Base(), Base(), relist: true);
        handler.OnAdd(Base(), false);
        handler.OnDelete(Base());

        Assert.Equal(3, keys.Count);
        Assert.All(keys, k => Assert.Equal(new ObjectKey("ns", "a"), k));
    }

    private static V1ObjectMeta Meta() => new()
    {
        Generation = 2,
        Annotations = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" },
        Finalizers = ["power.serverops.io/stop-on-delete"],
    };

    [Fact]
    public void An_update_without_its_old_or_new_metadata_enqueues()
    {
        Assert.True(ChangePredicate.ShouldEnqueue(null, Meta()));
        Assert.True(ChangePredicate.ShouldEnqueue(Meta(), null));
    }

    [Fact]
    public void Equal_annotations_and_finalizers_do_not_enqueue_and_a_missing_map_equals_an_empty_one()
    {
        Assert.False(ChangePredicate.ShouldEnqueue(Meta(), Meta()));
        Assert.False(ChangePredicate.ShouldEnqueue(new V1ObjectMeta(), new V1ObjectMeta { Labels = new Dictionary<string, string>() }));
    }

    [Fact]
    public void One_changed_annotation_among_unchanged_ones_enqueues()
    {
        var changed = Meta();
        changed.Annotations["b"] = "3";

        Assert.True(ChangePredicate.ShouldEnqueue(Meta(), changed));
    }

    [Fact]
    public void A_relist_goes_to_the_background_and_what_a_person_changed_goes_ahead()
    {
        var (ahead, background) = (new List<string>(), new List<string>());
        var handler = new EnqueueHandler<ServerPowerResource>(k => ahead.Add(k.Name), k => background.Add(k.Name));
        ServerPowerResource Named(string name) => Resources.Server("ns", name, "1");

        handler.OnAdd(Named("relisted"), relist: true);
        handler.OnUpdate(Named("resynced"), Named("resynced"), relist: true);
        handler.OnAdd(Named("created"), relist: false);
        var edited = Named("edited");
        edited.Metadata.Generation = 2;
        handler.OnUpdate(Named("edited"), edited, relist: false);
        handler.OnDelete(Named("deleted"));

        Assert.Equal(["relisted", "resynced"], background);
        Assert.Equal(["created", "edited", "deleted"], ahead);
    }
}
