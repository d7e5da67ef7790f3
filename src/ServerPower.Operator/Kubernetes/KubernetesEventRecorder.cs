using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace ServerPower.Operator.Kubernetes;

/// <summary>
/// Core v1 Events, rate-limited per object: the same reason and message is recorded at most once per
/// <see cref="RepeatWindow"/>, and an object gets at most <see cref="Burst"/> events per window.
/// </summary>
public sealed class KubernetesEventRecorder(IKubernetes client, TimeProvider time, ILogger<KubernetesEventRecorder> logger, string instance) : IEventRecorder
{
    public const string Component = "serverpower-operator";
    public static readonly TimeSpan RepeatWindow = TimeSpan.FromMinutes(10);
    public const int Burst = 20;

    private readonly ConcurrentDictionary<string, ObjectHistory> histories = new();
    private long lastSweepTicks;

    /// <summary>How many objects have a recent-event history (bounded: histories older than the window are dropped).</summary>
    public int TrackedObjects => histories.Count;

    public async Task RecordAsync(IKubernetesObject<V1ObjectMeta> regarding, bool warning, string reason, string message, CancellationToken cancellationToken)
    {
        var meta = regarding.Metadata;
        var now = time.GetUtcNow();
        SweepIfDue(now);
        var history = histories.GetOrAdd($"{meta.Uid}", _ => new ObjectHistory());
        if (!history.Allow(reason + "\n" + message, now)) return;
        var e = new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = meta.Name + ".", NamespaceProperty = meta.NamespaceProperty },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = regarding.ApiVersion, Kind = regarding.Kind, Name = meta.Name,
                NamespaceProperty = meta.NamespaceProperty, Uid = meta.Uid, ResourceVersion = meta.ResourceVersion,
            },
            Type = warning ? "Warning" : "Normal",
            Reason = reason,
            Message = message.Length > 1024 ? message[..1024] : message,
            Source = new V1EventSource { Component = Component },
            ReportingComponent = Component,
            ReportingInstance = instance,
            FirstTimestamp = now.UtcDateTime,
            LastTimestamp = now.UtcDateTime,
            Count = 1,
        };
        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(e, meta.NamespaceProperty, fieldManager: FieldManager.Name, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("could not record event {Reason} for {Namespace}/{Name}: {Error}", reason, meta.NamespaceProperty, meta.Name, ex.Message);
        }
    }

    /// <summary>Once per window, forgets objects with no event inside it (deleted objects included): memory stays bounded.</summary>
    private void SweepIfDue(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref lastSweepTicks);
        if (now.UtcTicks - last < RepeatWindow.Ticks || Interlocked.CompareExchange(ref lastSweepTicks, now.UtcTicks, last) != last) return;
        foreach (var (uid, history) in histories)
        {
            if (history.IsEmptyAfterPruning(now)) histories.TryRemove(uid, out _);
        }
    }

    private sealed class ObjectHistory
    {
        private readonly Dictionary<string, DateTimeOffset> recent = [];

        public bool IsEmptyAfterPruning(DateTimeOffset now)
        {
            lock (recent)
            {
                Prune(now);
                return recent.Count == 0;
            }
        }

        private void Prune(DateTimeOffset now)
        {
            foreach (var old in recent.Where(p => now - p.Value >= RepeatWindow).Select(p => p.Key).ToList()) recent.Remove(old);
        }

        public bool Allow(string key, DateTimeOffset now)
        {
            lock (recent)
            {
                Prune(now);
                if (recent.ContainsKey(key) || recent.Count >= Burst) return false;
                recent[key] = now;
                return true;
            }
        }
    }
}
