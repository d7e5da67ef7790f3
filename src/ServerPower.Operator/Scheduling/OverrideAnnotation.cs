using System.Text.RegularExpressions;
using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Api.Vocabulary;

namespace ServerPower.Operator.Scheduling;

/// <summary>What the power.serverops.io/override annotation says.</summary>
public abstract record OverrideReading
{
    /// <summary>No annotation.</summary>
    public sealed record None : OverrideReading;

    /// <summary>A value that breaks the rule: nothing is sent while it stays.</summary>
    public sealed record Invalid(string Message) : OverrideReading;

    /// <summary>A well-formed override; <paramref name="Until"/> is the exact end (the status holds it to the second).</summary>
    public sealed record Parsed(OverrideStatus Status, DateTimeOffset? Until) : OverrideReading;
}

/// <summary>
/// Parses <c>Running</c> or <c>Stopped</c>, optionally followed by <c> until &lt;RFC 3339 time&gt;</c> (see
/// <see cref="Rfc3339"/>: lowercase t and z, any offset up to ±23:59, a time up to 9999-12-31T23:59:59Z). Pure and
/// total: the clock is an argument, and any value reads as None, Invalid or Parsed. An override whose time has come is
/// read as inactive (and then ignored).
/// </summary>
public static partial class OverrideAnnotation
{
    public const string Rule = "\"Running\" or \"Stopped\", optionally followed by \" until <RFC 3339 time>\" (e.g. \"Running until 2026-12-01T18:00:00Z\"), "
        + "the time at most " + Rfc3339.Latest;

    public static OverrideReading Read(IDictionary<string, string>? annotations, DateTimeOffset now)
    {
        if (annotations?.TryGetValue(Annotations.Override, out var value) != true) return new OverrideReading.None();
        // Stryker disable once String : a missing value fails the pattern as "" does
        var match = Shape().Match(value ?? "");
        if (!match.Success) return Invalid();
        var state = match.Groups[1].Value == "Running" ? TargetPowerState.Running : TargetPowerState.Stopped;
        DateTimeOffset? until = null;
        if (match.Groups[2].Success)
        {
            if (!Rfc3339.TryParse(match.Groups[2].Value, out var parsed)) return Invalid();
            until = parsed;
        }
        var status = new OverrideStatus
        {
            State = state,
            Until = until is { } u ? KubeTimeConverter.Truncate(u) : null,
            Active = until is not { } end || now < end,
        };
        return new OverrideReading.Parsed(status, until);
    }

    private static OverrideReading.Invalid Invalid() =>
        new($"annotation {Annotations.Override} must be {Rule}; nothing is sent while it stays");

    [GeneratedRegex(@"^\s*(Running|Stopped)(?:\s+until\s+(\S+))?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
