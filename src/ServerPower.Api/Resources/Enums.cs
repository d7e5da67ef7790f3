using System.Text.Json.Serialization;

namespace ServerPower.Api.Resources;

/// <summary>spec.state: a fixed state, or Scheduled (the PowerSchedule named by spec.scheduleRef decides).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DesiredPowerState>))]
public enum DesiredPowerState { Running, Stopped, Scheduled }

/// <summary>A state in force: status.desiredState, an override, what a schedule says.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TargetPowerState>))]
public enum TargetPowerState { Running, Stopped }

/// <summary>A day of the week as a PowerSchedule window names it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScheduleDay>))]
public enum ScheduleDay { Mon, Tue, Wed, Thu, Fri, Sat, Sun }

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
