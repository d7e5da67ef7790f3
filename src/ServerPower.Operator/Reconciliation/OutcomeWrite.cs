using System.Text.Json;
using Microsoft.Extensions.Logging;
using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Operator.Kubernetes;

namespace ServerPower.Operator.Reconciliation;

/// <summary>
/// Writes a sent action's outcome on top of its own record only. The write is checked against the resourceVersion the
/// record was stored at. A conflict means someone wrote since: the object is read again from the API server, and if
/// its action records (lastAction, restart, rebuild, wake) are still what this reconcile recorded (a person's edit
/// during the call), the same change is written on the newer object. If another writer replaced one of them (an old
/// leader woken after the new leader recorded a newer token), the outcome is not written: a merge patch would have set
/// this outcome's phase and message on the newer token's record. The newer record stands, and the next pass decides
/// from it (this action's own record is gone, so nothing is sent twice).
/// </summary>
public sealed class OutcomeWrite(IResourceClient client, ILogger logger)
{
    /// <summary>Conflicts (a person editing on and on during the call) after which the outcome is given up.</summary>
    public const int Attempts = 5;

    /// <summary>
    /// Writes <paramref name="outcome"/> over <paramref name="recorded"/> (the object as the action's record stored it);
    /// returns the object as stored after it (or as read, when the outcome was not written).
    /// </summary>
    public async Task<ServerPowerResource> WriteAsync(ServerPowerResource recorded, ServerPowerStatus outcome)
    {
        var target = recorded;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await client.PatchServerStatusAsync(target, outcome, requireResourceVersion: true, CancellationToken.None);
            }
            catch (ConflictException) when (attempt < Attempts)
            {
                var live = await client.GetLiveAsync(recorded.Metadata.NamespaceProperty, recorded.Metadata.Name, CancellationToken.None);
                if (live is null) return recorded;
                if (!SameRecords(live.Status, recorded.Status))
                {
                    // Either this outcome landed and only its answer was lost (StatusWriteRetry repeats it), or another
                    // writer replaced the record.
                    // Stryker disable once all : which log line is written, nothing else
                    if (!SameRecords(live.Status, outcome))
                        logger.LogWarning("the outcome of this action was not recorded: another writer replaced its record meanwhile");
                    return live;
                }
                // The same change (the diff from the record to the outcome), on the object as it is now.
                live.Status = recorded.Status;
                target = live;
            }
        }
    }

    private static bool SameRecords(ServerPowerStatus? live, ServerPowerStatus? recorded) =>
        Same(live?.LastAction, recorded?.LastAction) && Same(live?.Restart, recorded?.Restart)
        && Same(live?.Rebuild, recorded?.Rebuild) && Same(live?.Wake, recorded?.Wake);

    private static bool Same<T>(T? live, T? recorded) where T : class =>
        live is null ? recorded is null : recorded is not null && JsonElement.DeepEquals(ApiJson.ToElement(live), ApiJson.ToElement(recorded));
}
