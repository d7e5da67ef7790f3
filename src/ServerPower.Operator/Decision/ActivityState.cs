using ServerPower.Providers.Activity;

namespace ServerPower.Operator.Decision;

/// <summary>
/// What the activity reads of one server add up to. <see cref="Players"/> is the latest read's count, null when it was
/// unknown (or nothing was read yet); <see cref="LastRead"/> says how that read went. <see cref="LastActiveTime"/> is the
/// latest read that saw players. <see cref="IdleSince"/> is when the current unbroken run of successful reads of 0
/// players began; an unknown read or one with players ends the run (null).
/// </summary>
public sealed record ActivityState(
    int? Players,
    ActivityRead? LastRead,
    DateTimeOffset? LastReadTime,
    DateTimeOffset? LastActiveTime,
    DateTimeOffset? IdleSince)
{
    public static ActivityState Fresh { get; } = new(null, null, null, null, null);
}
