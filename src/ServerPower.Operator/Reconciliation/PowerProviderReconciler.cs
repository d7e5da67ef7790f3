using Microsoft.Extensions.Logging;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Kubernetes;
using ServerPower.Runtime;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Reconciliation;

/// <summary>
/// PowerProvider Ready: credentials found and an authenticated probe answered (HEO: its service status).
/// Its servers pick a change up at once: the ServerPower controller watches PowerProviders (see OperatorHost), so a
/// new status, a spec change or the deletion enqueues the servers that reference the provider.
/// </summary>
public sealed class PowerProviderReconciler(
    IResourceClient client,
    ProviderResolver resolver,
    TimeProvider time,
    DecisionSettings settings,
    ILogger<PowerProviderReconciler> logger) : IReconciler
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var provider = await client.GetProviderAsync(key.Namespace, key.Name, cancellationToken);
        if (provider is null)
        {
            resolver.Release(key.Namespace, key.Name);
            return ReconcileResult.Done;
        }

        var (ready, reason, message, heldBack) = await ProbeAsync(provider, cancellationToken);
        var generation = provider.Metadata.Generation;
        if (heldBack && provider.Status is { } stored && stored.ObservedGeneration == generation && Conditions.Find(stored.Conditions, ConditionTypes.Ready) is not null)
        {
            // The account's own rate limit had no token for the probe (the servers' actions and reads share it, and take
            // them all while a fleet starts): nothing was asked, so the condition stands until the shortest poll. (It
            // turned RateLimited and back, two writes each time, while 10,000 servers started.)
            // Stryker disable once Statement,String : a log line only (no test reads logs)
            logger.LogDebug("the probe waits for this account's rate limit");
            return ReconcileResult.After(settings.MinPoll);
        }
        var condition = new Condition
        {
            Type = ConditionTypes.Ready,
            Status = ready ? ConditionStatus.True : ConditionStatus.False,
            Reason = reason,
            Message = message,
            ObservedGeneration = generation,
        };
        var status = new PowerProviderStatus
        {
            ObservedGeneration = generation,
            Conditions = Conditions.Set(provider.Status?.Conditions, condition, time.GetUtcNow()),
        };
        if (!ServerPowerReconciler.StatusEquals(provider.Status, status))
        {
            await client.PatchProviderStatusAsync(provider, status, cancellationToken);
            // Stryker disable once Statement,String : a log line only (no test reads logs)
            logger.LogInformation("Ready={Ready} {Reason}: {Message}", ready, reason, message);
        }
        return ServerPowerReconciler.Requeue(ready ? settings.ResyncPeriod : settings.MaxPoll, settings);
    }

    /// <summary>The probe's verdict; HeldBack: the account's own rate limit refused it before anything was sent.</summary>
    private async Task<(bool Ready, string Reason, string Message, bool HeldBack)> ProbeAsync(PowerProviderResource provider, CancellationToken cancellationToken)
    {
        // The account's resync: its Secrets are read again here, so a rotated token takes effect now.
        var resolution = await resolver.ResolveAsync(provider, refreshCredentials: true, cancellationToken);
        if (resolution is ProviderResolution.Unusable unusable) return (false, unusable.Reason, unusable.Message, false);
        var usable = (ProviderResolution.Usable)resolution;
        var outcome = await usable.Provider.ProbeAsync(cancellationToken);
        if (outcome.IsAccepted)
            return (true, Reasons.ProviderReady, $"{provider.Spec.Type} at {usable.Account.Endpoint} answered the probe", false);
        return (false, OutcomeReasons.SyncedReason(outcome.Kind), $"probe of {usable.Account.Endpoint} failed: {outcome.Kind}: {outcome.Message}",
            outcome is { NotSent: true, OwnLimit: true });
    }
}
