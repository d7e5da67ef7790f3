using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Providers.Contract;

namespace ServerPower.Operator.Decision;

/// <summary>spec.stop.warning as the decision uses it: send <paramref name="Command"/>, wait <paramref name="Before"/>, then stop.</summary>
public sealed record StopWarning(TimeSpan Before, string Command);

/// <summary>
/// Reads spec.stop.warning, saying what the CRD would have refused in one sentence naming the field, never throwing.
/// A command is one console line: a line break would send a second command the user never wrote.
/// </summary>
public static class StopWarningRules
{
    public static readonly TimeSpan MaxBefore = TimeSpan.FromHours(1);

    /// <summary>The warning, or null without one; <c>Invalid</c> is the InvalidSpec message when it is not usable.</summary>
    public static (StopWarning? Warning, string? Invalid) Read(ServerPowerSpec spec)
    {
        if (spec.Stop?.Warning is not { } warning) return (null, null);
        const string path = "spec.stop.warning";
        if (!GoDuration.TryParse(warning.Before, out var before))
            return (null, GoDuration.Invalid(path + ".before", warning.Before));
        if (before <= TimeSpan.Zero || before > MaxBefore)
            return (null, $"{path}.before {UserText.Quote(warning.Before)} must be more than 0s and at most {StopWarningSpec.MaxBefore}");
        if (ConsoleCommands.Problem(warning.Command) is not null)
            return (null, $"{path}.command must be one line of 1 to {ConsoleCommands.MaxLength} characters without control characters");
        return (new StopWarning(before, warning.Command), null);
    }
}
