using System.Text.Json.Serialization;

namespace ServerPower.Api.Resources;

[JsonConverter(typeof(JsonStringEnumConverter<DesiredPowerState>))]
public enum DesiredPowerState { Running, Stopped }

[JsonConverter(typeof(JsonStringEnumConverter<PowerState>))]
public enum PowerState { Running, Stopped, Starting, Stopping, Busy, Suspended, Unknown }

[JsonConverter(typeof(JsonStringEnumConverter<ManagementPolicy>))]
public enum ManagementPolicy { Manage, Observe }

[JsonConverter(typeof(JsonStringEnumConverter<StopTimeoutAction>))]
public enum StopTimeoutAction { Wait, Kill }

[JsonConverter(typeof(JsonStringEnumConverter<DeletionPolicy>))]
public enum DeletionPolicy { Orphan, Stop }

[JsonConverter(typeof(JsonStringEnumConverter<ActionType>))]
public enum ActionType { Start, Stop, Restart, Kill, Rebuild }

[JsonConverter(typeof(JsonStringEnumConverter<ActionResult>))]
public enum ActionResult { Accepted, Failed, Uncertain }

[JsonConverter(typeof(JsonStringEnumConverter<OneShotPhase>))]
public enum OneShotPhase { Sending, Done, Failed, Uncertain, Skipped }

[JsonConverter(typeof(JsonStringEnumConverter<ProviderType>))]
public enum ProviderType { Wenium, PterodactylPanel, Wings, Heo }
