namespace ServerPower.Api.Vocabulary;

/// <summary>Condition types written by the operator.</summary>
public static class ConditionTypes
{
    /// <summary>ServerPower: the server is in the declared state. PowerProvider: credentials found and the endpoint answered.</summary>
    public const string Ready = "Ready";

    /// <summary>ServerPower: the last reconcile reached the provider and did what was needed.</summary>
    public const string Synced = "Synced";
}

/// <summary>Condition status values, as Kubernetes spells them.</summary>
public static class ConditionStatus
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";
}
