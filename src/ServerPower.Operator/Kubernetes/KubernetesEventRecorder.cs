using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace ServerPower.Operator.Kubernetes;

/// <summary>
/// Core v1 Events, correlated like Kubernetes' own recorders (<see cref="EventCorrelator"/>): a repeat patches the
/// existing Event's count and last timestamp (<c>kubectl describe</c> shows "x3 over 12m"), many different messages
/// for one reason are combined into one Event, and nothing is dropped. A write that fails (a terminating namespace
/// answers 403) is logged and never fails the reconcile.
/// </summary>
public sealed class KubernetesEventRecorder(IKubernetes client, TimeProvider time, ILogger<KubernetesEventRecorder> logger, string instance) : IEventRecorder
{
    public const string Component = "serverpower-operator";
    private const int MaxMessage = 1024;

    private readonly EventCorrelator correlator = new();
    private readonly Lock gate = new();

    /// <summary>How many correlation entries are held (bounded, whatever the number of objects).</summary>
    public int Tracked
    {
        get { lock (gate) return correlator.Tracked; }
    }

    public async Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, bool warning, string reason, string message, CancellationToken cancellationToken)
    {
        var meta = regarding.Metadata;
        var now = time.GetUtcNow();
        message = message.Length > MaxMessage ? message[..MaxMessage] : message;
        CorrelatedEvent correlated;
        lock (gate) correlated = correlator.Correlate(meta.Uid ?? $"{meta.NamespaceProperty}/{meta.Name}", warning, reason, message, now);
        try
        {
            var name = correlated.ExistingName is { } existing
                ? await RepeatAsync(correlated, existing, meta.NamespaceProperty, now, cancellationToken)
                : null;
            name ??= await CreateAsync(regarding, warning, reason, correlated, now, cancellationToken);
            var recorded = name == correlated.ExistingName ? correlated : correlated with { Count = 1, First = now };
            lock (gate) correlator.Recorded(recorded, name);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("could not record event {Reason} for {Namespace}/{Name}: {Error}", reason, meta.NamespaceProperty, meta.Name, ex.Message);
        }
    }

    /// <summary>Patches the count of an Event already written; null when it is gone (Events expire), so a new one is made.</summary>
    private async Task<string?> RepeatAsync(CorrelatedEvent e, string name, string ns, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var patch = new V1Patch(new Dictionary<string, object>
        {
            ["count"] = e.Count,
            ["lastTimestamp"] = now.UtcDateTime,
            ["message"] = e.Message,
        }, V1Patch.PatchType.MergePatch);
        try
        {
            await client.CoreV1.PatchNamespacedEventAsync(patch, name, ns, fieldManager: FieldManager.Name, cancellationToken: cancellationToken);
            return name;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            lock (gate) correlator.Forget(e);
            return null;
        }
    }

    private async Task<string> CreateAsync(IKubernetesObject<V1ObjectMeta> regarding, bool warning, string reason, CorrelatedEvent e,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var meta = regarding.Metadata;
        var created = await client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = meta.Name + ".", NamespaceProperty = meta.NamespaceProperty },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = regarding.ApiVersion, Kind = regarding.Kind, Name = meta.Name,
                NamespaceProperty = meta.NamespaceProperty, Uid = meta.Uid, ResourceVersion = meta.ResourceVersion,
            },
            Type = warning ? "Warning" : "Normal",
            Reason = reason,
            Message = e.Message,
            Source = new V1EventSource { Component = Component },
            ReportingComponent = Component,
            ReportingInstance = instance,
            FirstTimestamp = now.UtcDateTime,
            LastTimestamp = now.UtcDateTime,
            Count = 1,
        }, meta.NamespaceProperty, fieldManager: FieldManager.Name, cancellationToken: cancellationToken);
        return created.Metadata.Name;
    }
}
