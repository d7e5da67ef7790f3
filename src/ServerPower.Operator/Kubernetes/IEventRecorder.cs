using k8s;
using k8s.Models;

namespace ServerPower.Operator.Kubernetes;

/// <summary>Records Kubernetes Events about an object. Never throws: an event is best effort.</summary>
public interface IEventRecorder
{
    Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, bool warning, string reason, string message, CancellationToken cancellationToken);
}
