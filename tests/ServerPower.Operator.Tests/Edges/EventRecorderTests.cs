using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Operator.Kubernetes;

namespace ServerPower.Operator.Tests.Edges;

public sealed class EventRecorderTests
{
    /// <summary>An API server that refuses connections: every event write fails, which must never fail the caller.</summary>
    private static IKubernetes Unreachable() => new k8s.Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });

    private static ServerPowerResource Server(int i) => new()
    {
        Metadata = new V1ObjectMeta { Name = $"s{i}", NamespaceProperty = "ns", Uid = $"uid-{i}" },
        Spec = new ServerPowerSpec { ProviderRef = new LocalObjectReference { Name = "p" }, ServerId = "1" },
    };

    [Fact]
    public async Task Per_object_history_is_forgotten_once_its_window_has_passed()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        var recorder = new KubernetesEventRecorder(Unreachable(), time, NullLogger<KubernetesEventRecorder>.Instance, "test");
        for (var i = 0; i < 50; i++)
            await recorder.RecordAsync(Server(i), false, "StartAccepted", "ok", TestContext.Current.CancellationToken);
        Assert.Equal(50, recorder.TrackedObjects);

        time.Advance(KubernetesEventRecorder.RepeatWindow + TimeSpan.FromSeconds(1));
        await recorder.RecordAsync(Server(999), false, "StartAccepted", "ok", TestContext.Current.CancellationToken);

        Assert.Equal(1, recorder.TrackedObjects);
    }
}
