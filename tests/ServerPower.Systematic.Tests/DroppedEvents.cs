using k8s;
using k8s.Models;
using ServerPower.Operator.Kubernetes;

namespace ServerPower.Systematic.Tests;

/// <summary>Kubernetes Events are best effort and promise nothing the scenario checks: they are dropped.</summary>
internal sealed class DroppedEvents : IEventRecorder
{
    public Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, bool warning, string reason, string message, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
