using Microsoft.Extensions.Logging;
using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Kubernetes;
using ServerPower.Runtime;
using ServerPower.Operator.Scheduling;

namespace ServerPower.Operator.Reconciliation;

/// <summary>
/// PowerSchedule status: Ready (the spec parses: a known time zone, valid times and dates), what the schedule says now
/// and its next transition; an event at each transition. Requeued exactly at the next transition. The servers that
/// follow the schedule evaluate it themselves (Scheduling/EffectiveState.cs), so they never wait for this status.
/// </summary>
public sealed class PowerScheduleReconciler(
    IScheduleClient client,
    IEventRecorder events,
    TimeProvider time,
    ILogger<PowerScheduleReconciler> logger) : IReconciler
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var schedule = await client.GetScheduleAsync(key.Namespace, key.Name, cancellationToken);
        if (schedule is null) return ReconcileResult.Done;
        var now = time.GetUtcNow();
        var (status, reading) = Evaluate(schedule, now);
        if (!ServerPowerReconciler.StatusEquals(schedule.Status, status))
        {
            var before = schedule.Status?.State;
            try
            {
                schedule = await client.PatchScheduleStatusAsync(schedule, status, cancellationToken);
            }
            catch (ConflictException)
            {
                return ReconcileResult.Conflicted;
            }
            if (before is { } was && status.State is { } state && state != was)
            {
                var next = status.NextTransition is { } at ? $"; next transition at {KubeTimeConverter.Format(at)}" : "; no change ahead";
                // Stryker disable once Statement,String : a log line only (no test reads logs)
                logger.LogInformation("schedule {Schedule} is now {State}", key, state);
                await events.RecordAsync(schedule, false, EventReasons.Transition, $"the schedule says {state} now (was {was}){next}", cancellationToken);
            }
            // Stryker disable once Equality,Statement,String : a log line only, and the condition that chooses to log it
            if (reading is null) logger.LogInformation("schedule {Schedule} is invalid: {Message}", key, status.Conditions?[0].Message);
        }
        return TransitionRequeue.At(ReconcileResult.Done, reading?.NextTransition, now);
    }

    /// <summary>The status the schedule should have at <paramref name="now"/>; pure.</summary>
    public static (PowerScheduleStatus Status, ScheduleReading? Reading) Evaluate(PowerScheduleResource schedule, DateTimeOffset now)
    {
        var generation = schedule.Metadata.Generation;
        var (parsed, error) = ScheduleParser.Parse(schedule.Spec);
        var reading = parsed is null ? null : ScheduleEvaluator.Evaluate(parsed, now);
        var condition = new Condition
        {
            Type = ConditionTypes.Ready,
            Status = reading is null ? ConditionStatus.False : ConditionStatus.True,
            Reason = reading is null ? Reasons.InvalidSpec : Reasons.ScheduleValid,
            Message = reading is null ? error! : ValidMessage(schedule.Spec, parsed!, reading),
            ObservedGeneration = generation,
        };
        var status = new PowerScheduleStatus
        {
            ObservedGeneration = generation,
            State = reading?.State,
            NextTransition = reading?.NextTransition is { } next ? KubeTimeConverter.Truncate(next) : null,
            Conditions = Conditions.Set(schedule.Status?.Conditions, condition, now),
        };
        return (status, reading);
    }

    private static string ValidMessage(PowerScheduleSpec spec, Schedule parsed, ScheduleReading reading) =>
        $"{parsed.Windows.Count} window(s) and {parsed.Exceptions.Count} exception(s) in {parsed.Zone.Id}: {reading.State} now"
        + (reading.NextTransition is { } next ? $", until {KubeTimeConverter.Format(next)}" : ", with no change ahead");
}
