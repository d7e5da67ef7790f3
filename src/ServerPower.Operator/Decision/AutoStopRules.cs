using ServerPower.Api.Resources;
using ServerPower.Api.Serialization;
using ServerPower.Operator.Reconciliation;

namespace ServerPower.Operator.Decision;

/// <summary>spec.autoStop as the decision uses it: durations parsed, defaults applied, exactly one activity target.</summary>
/// <param name="StartupGrace">startupGrace, else idleAfter, else 0.</param>
/// <param name="Activity">The one activity kind set, or null (then only maxRuntime applies).</param>
public sealed record AutoStopPlan(TimeSpan? IdleAfter, TimeSpan? MaxRuntime, TimeSpan StartupGrace, TimeSpan Period, ActivitySpec? Activity);

/// <summary>
/// Reads spec.autoStop, saying what the CRD's schema and CEL rules would have refused (an object that skipped
/// admission, or was stored under an older schema) in one specific sentence naming the field, never throwing. Whether
/// a target may be read at all (allowed hosts, outbound policy) is the activity reader's part, as for probes.
/// </summary>
public static class AutoStopRules
{
    public static readonly TimeSpan MinDuration = TimeSpan.FromSeconds(10);

    /// <summary>The plan, or null without spec.autoStop; <c>Invalid</c> is the InvalidSpec message when the spec is not usable.</summary>
    public static (AutoStopPlan? Plan, string? Invalid) Read(ServerPowerSpec spec)
    {
        if (spec.AutoStop is not { } auto) return (null, null);
        var idleProblem = Duration("idleAfter", auto.IdleAfter, MinDuration, out var idle);
        var runtimeProblem = Duration("maxRuntime", auto.MaxRuntime, MinDuration, out var runtime);
        var graceProblem = Duration("startupGrace", auto.StartupGrace, TimeSpan.Zero, out var grace);
        var problem = idleProblem ?? runtimeProblem ?? graceProblem
            ?? Period(auto.PeriodSeconds)
            ?? (auto.IdleAfter is not null && auto.Activity is null ? "spec.autoStop.idleAfter needs spec.autoStop.activity" : null)
            ?? (auto.Activity is { } activity ? Activity(activity) : null);
        if (problem is not null) return (null, problem);
        var plan = new AutoStopPlan(idle, runtime, grace ?? idle ?? TimeSpan.Zero, TimeSpan.FromSeconds(auto.PeriodSeconds), auto.Activity);
        return (plan, null);
    }

    private static string? Duration(string field, string? text, TimeSpan min, out TimeSpan? value)
    {
        value = null;
        if (text is null) return null;
        var path = "spec.autoStop." + field;
        if (!GoDuration.TryParse(text, out var parsed)) return GoDuration.Invalid(path, text);
        if (parsed < min) return $"{path} {UserText.Quote(text)} must be at least {GoDuration.Format(min)}";
        value = parsed;
        return null;
    }

    private static string? Period(int seconds) =>
        seconds is < AutoStopSpec.MinPeriodSeconds or > AutoStopSpec.MaxPeriodSeconds
            ? $"spec.autoStop.periodSeconds {seconds} must be from {AutoStopSpec.MinPeriodSeconds} to {AutoStopSpec.MaxPeriodSeconds}"
            : null;

    private static string? Activity(ActivitySpec activity)
    {
        var kinds = (activity.Minecraft is null ? 0 : 1) + (activity.A2s is null ? 0 : 1) + (activity.HttpGet is null ? 0 : 1);
        if (kinds != 1) return "spec.autoStop.activity needs exactly one of minecraft, a2s and httpGet";
        if (activity.Minecraft is { } minecraft) return Endpoint("minecraft", minecraft);
        if (activity.A2s is { } a2s) return Endpoint("a2s", a2s);
        return HttpGet(activity.HttpGet!);
    }

    private static string? Endpoint(string kind, ActivityEndpoint endpoint)
    {
        var path = $"spec.autoStop.activity.{kind}";
        if (string.IsNullOrWhiteSpace(endpoint.Host) || Uri.CheckHostName(endpoint.Host) == UriHostNameType.Unknown)
            return $"{path}.host {UserText.Quote(endpoint.Host)} is not a host name or IP address";
        return endpoint.Port is < 1 or > 65535 ? $"{path}.port {endpoint.Port} is not a port from 1 to 65535" : null;
    }

    private static string? HttpGet(HttpGetActivity http)
    {
        const string path = "spec.autoStop.activity.httpGet";
        var url = http.Url ?? "";
        if (url.Length > HttpGetActivity.MaxUrlLength) return $"{path}.url is longer than {HttpGetActivity.MaxUrlLength} characters";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            return $"{path}.url {UserText.Quote(EndpointPolicy.Redact(url))} is not an absolute http or https URL";
        if (uri.UserInfo.Length > 0) return $"{path}.url must not carry a user name or password";
        var jsonPath = http.JsonPath ?? "";
        if (jsonPath.Length == 0 || jsonPath.Length > HttpGetActivity.MaxJsonPathLength || jsonPath.Any(char.IsControl))
            return $"{path}.jsonPath {UserText.Quote(jsonPath)} must be 1 to {HttpGetActivity.MaxJsonPathLength} characters without control characters";
        return null;
    }
}
