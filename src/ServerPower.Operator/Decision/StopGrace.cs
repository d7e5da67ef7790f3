using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;

namespace ServerPower.Operator.Decision;

/// <summary>
/// spec.stop.gracePeriod for the decision. An invalid value (one the CRD's bounds refuse, kept by an older object or
/// written past the schema) is reported, never thrown: nothing is sent for it, except during a deletion, which goes
/// on with the default.
/// </summary>
internal static class StopGrace
{
    /// <summary><see cref="StopSpec.DefaultGracePeriod"/>.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The grace period and how messages show it; <c>Invalid</c> says why the value written is not a valid one (then
    /// the default applies), or is null.
    /// </summary>
    public static (TimeSpan Grace, string Shown, string? Invalid) Read(ServerPowerSpec spec)
    {
        var text = spec.Stop?.GracePeriod ?? StopSpec.DefaultGracePeriod;
        return GoDuration.TryParse(text, out var grace)
            ? (grace, text, null)
            : (Default, StopSpec.DefaultGracePeriod, GoDuration.Invalid("spec.stop.gracePeriod", text));
    }
}
