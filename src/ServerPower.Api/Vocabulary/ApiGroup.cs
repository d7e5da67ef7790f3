namespace ServerPower.Api.Vocabulary;

/// <summary>Group, version, kinds and plurals of the ServerPower API.</summary>
public static class ApiGroup
{
    public const string Group = "power.serverops.io";
    public const string Version = "v1alpha1";
    public const string ApiVersion = Group + "/" + Version;

    public const string ServerPowerKind = "ServerPower";
    public const string ServerPowerPlural = "serverpowers";
    public const string ServerPowerShortName = "spw";

    public const string PowerProviderKind = "PowerProvider";
    public const string PowerProviderPlural = "powerproviders";
    public const string PowerProviderShortName = "ppr";

    public const string PowerScheduleKind = "PowerSchedule";
    public const string PowerSchedulePlural = "powerschedules";
    public const string PowerScheduleShortName = "psch";

    /// <summary>The category every kind belongs to: <c>kubectl get serverops</c>.</summary>
    public const string Category = "serverops";
}
