using ServerPower.Api.Resources;

namespace ServerPower.Providers.Adapters.Wenium;

/// <summary>
/// Wenium documents only "running"; the rest is our tolerant, case-insensitive guess.
/// Unknown values map to Unknown; the raw value is always kept.
/// </summary>
internal static class WeniumStates
{
    private static readonly Dictionary<string, PowerState> Table = new(StringComparer.OrdinalIgnoreCase)
    {
        ["running"] = PowerState.Running, ["active"] = PowerState.Running, ["on"] = PowerState.Running,
        ["stopped"] = PowerState.Stopped, ["off"] = PowerState.Stopped, ["offline"] = PowerState.Stopped,
        ["shutoff"] = PowerState.Stopped, ["halted"] = PowerState.Stopped,
        ["starting"] = PowerState.Starting, ["booting"] = PowerState.Starting, ["powering_on"] = PowerState.Starting,
        ["stopping"] = PowerState.Stopping, ["shutting_down"] = PowerState.Stopping, ["powering_off"] = PowerState.Stopping,
        ["suspended"] = PowerState.Suspended,
        ["rebuilding"] = PowerState.Busy, ["reinstalling"] = PowerState.Busy, ["installing"] = PowerState.Busy,
        ["pending"] = PowerState.Busy,
    };

    public static PowerState Map(string raw) => Table.GetValueOrDefault(raw.Trim(), PowerState.Unknown);
}
