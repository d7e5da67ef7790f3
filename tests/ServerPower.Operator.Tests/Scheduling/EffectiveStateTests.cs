using k8s.Models;
using ServerPower.Api.Resources;
using ServerPower.Api.Vocabulary;
using ServerPower.Operator.Decision;
using ServerPower.Operator.Scheduling;
using static ServerPower.Operator.Tests.Scheduling.ScheduleRows;

namespace ServerPower.Operator.Tests.Scheduling;

/// <summary>override > schedule > spec.state, as a table.</summary>
public sealed class EffectiveStateTests
{
    private static readonly DateTimeOffset Now = Utc("2026-11-30T09:00:00Z"); // Monday, 10:00 in Berlin

    private static PowerScheduleResource OfficeHours(string zone = "Europe/Berlin") => new()
    {
        Metadata = new V1ObjectMeta { Name = "office-hours", NamespaceProperty = "games" },
        Spec = Spec(zone, "Mon,Tue,Wed,Thu,Fri 08:00-18:00"),
    };

    private static ServerPowerResource Server(DesiredPowerState state, string? scheduleRef = null, string? @override = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "mc", NamespaceProperty = "games",
            Annotations = @override is null ? null : new Dictionary<string, string> { [Annotations.Override] = @override },
        },
        Spec = new ServerPowerSpec
        {
            State = state, ScheduleRef = scheduleRef is null ? null : new LocalObjectReference { Name = scheduleRef },
        },
    };

    public static TheoryData<string, DesiredPowerState, string?, string?, bool, string> Rows => new()
    {
        // what,                                   spec.state,                   scheduleRef,    override,                               schedule exists, expected
        { "spec.state Running",                   DesiredPowerState.Running,   null,           null,                                    true,  "Running from spec.state" },
        { "spec.state Stopped",                   DesiredPowerState.Stopped,   null,           null,                                    true,  "Stopped from spec.state" },
        { "scheduled, inside the window",         DesiredPowerState.Scheduled, "office-hours", null,                                    true,  "Running from schedule office-hours until 2026-11-30T17:00:00Z" },
        { "scheduled, schedule missing",          DesiredPowerState.Scheduled, "office-hours", null,                                    false, "unknown ScheduleNotFound: PowerSchedule \"office-hours\" was not found in this namespace; the server is left as it is" },
        { "scheduled without scheduleRef",        DesiredPowerState.Scheduled, null,           null,                                    true,  "unknown InvalidSpec: spec.state Scheduled needs spec.scheduleRef.name; nothing is sent" },
        { "override wins over the schedule",      DesiredPowerState.Scheduled, "office-hours", "Stopped until 2026-11-30T12:00:00Z",    true,  "Stopped from override until 2026-11-30T12:00:00Z" },
        { "override wins over spec.state",        DesiredPowerState.Running,   null,           "Stopped",                               true,  "Stopped from override" },
        { "override wins over a missing schedule", DesiredPowerState.Scheduled, "office-hours", "Running",                              false, "Running from override" },
        { "an expired override is ignored",       DesiredPowerState.Stopped,   null,           "Running until 2026-11-30T08:00:00Z",    true,  "Stopped from spec.state" },
        { "expired, back to the schedule",        DesiredPowerState.Scheduled, "office-hours", "Stopped until 2026-11-30T08:00:00Z",    true,  "Running from schedule office-hours until 2026-11-30T17:00:00Z" },
        { "a malformed override sends nothing",   DesiredPowerState.Running,   null,           "Stopped until never",                   true,  "unknown InvalidSpec: annotation power.serverops.io/override must be \"Running\" or \"Stopped\", optionally followed by \" until <RFC 3339 time>\" (e.g. \"Running until 2026-12-01T18:00:00Z\"), the time at most 9999-12-31T23:59:59Z; nothing is sent while it stays" },
    };

    [Theory, MemberData(nameof(Rows))]
    public void Override_then_schedule_then_spec_state(string what, DesiredPowerState state, string? scheduleRef, string? @override, bool exists, string expected)
    {
        var intent = EffectiveState.Resolve(Server(state, scheduleRef, @override), exists ? OfficeHours() : null, Now);

        var described = intent switch
        {
            Intent.Known k => $"{k.State} from {k.Source}" + (k.NextChange is { } at ? $" until {at.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}" : ""),
            Intent.Unknown u => $"unknown {u.Reason}: {u.Message}",
            _ => "?",
        };
        Assert.True(expected == described, $"{what}: {described}");
    }

    [Fact]
    public void The_override_status_is_kept_whether_in_force_or_not()
    {
        var expired = EffectiveState.Resolve(Server(DesiredPowerState.Stopped, @override: "Running until 2026-11-30T08:00:00Z"), null, Now);
        Assert.Equal(new OverrideStatus { State = TargetPowerState.Running, Until = Utc("2026-11-30T08:00:00Z"), Active = false }, expired.Override);

        var active = EffectiveState.Resolve(Server(DesiredPowerState.Stopped, @override: "Running"), null, Now);
        Assert.Equal(new OverrideStatus { State = TargetPowerState.Running, Active = true }, active.Override);

        Assert.Null(EffectiveState.Resolve(Server(DesiredPowerState.Stopped), null, Now).Override);
    }

    [Fact]
    public void An_invalid_schedule_sends_nothing_and_says_why()
    {
        var intent = EffectiveState.Resolve(Server(DesiredPowerState.Scheduled, "office-hours"), OfficeHours("Europe/Atlantis"), Now);

        var unknown = Assert.IsType<Intent.Unknown>(intent);
        Assert.Equal(Reasons.InvalidSpec, unknown.Reason);
        Assert.Contains("PowerSchedule \"office-hours\" is invalid: spec.timeZone \"Europe/Atlantis\"", unknown.Message);
    }
}
