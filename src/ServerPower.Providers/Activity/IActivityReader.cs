namespace ServerPower.Providers.Activity;

/// <summary>Reads a target's player count once, within its bounds; never throws for the target's failures (only when cancelled).</summary>
public interface IActivityReader
{
    Task<ActivityRead> ReadAsync(ActivityTarget target, CancellationToken cancellationToken);
}
