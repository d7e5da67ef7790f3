namespace ServerPower.Api.Vocabulary;

/// <summary>Every condition reason the operator writes. The README explains each one.</summary>
public static class Reasons
{
    // Ready=True
    public const string InDesiredState = "InDesiredState";
    public const string ActionAccepted = "ActionAccepted";
    /// <summary>spec.autoStop stopped the server (idle or maxRuntime); it stays stopped until woken. The message says why, when and how to wake it.</summary>
    public const string AutoStopped = "AutoStopped";

    // Ready=False
    public const string Starting = "Starting";
    public const string Stopping = "Stopping";
    public const string ActionPending = "ActionPending";
    public const string ServerSuspended = "ServerSuspended";
    public const string ProviderError = "ProviderError";
    public const string Unsupported = "Unsupported";
    public const string Suspended = "Suspended";
    /// <summary>A one-shot's outcome is unknown (operator stopped mid-call); set a new token to retry.</summary>
    public const string OneShotUncertain = "OneShotUncertain";
    /// <summary>Observe policy and the provider state differs from the declared state.</summary>
    public const string NotInDesiredState = "NotInDesiredState";
    /// <summary>Running, but the readiness probe has not yet passed successThreshold times in a row since the start.</summary>
    public const string ProbePending = "ProbePending";
    /// <summary>Running, but the readiness probe failed failureThreshold times in a row.</summary>
    public const string ProbeFailing = "ProbeFailing";
    /// <summary>Not started until the servers in spec.startAfter are Ready (or not stopped until its dependents stopped).</summary>
    public const string WaitingForDependencies = "WaitingForDependencies";

    // Synced=True
    public const string ReconcileSucceeded = "ReconcileSucceeded";

    // Synced=False
    public const string CredentialsMissing = "CredentialsMissing";
    public const string Unauthorized = "Unauthorized";
    public const string ServerNotFound = "ServerNotFound";
    public const string RateLimited = "RateLimited";
    public const string ProviderUnavailable = "ProviderUnavailable";
    public const string InvalidSpec = "InvalidSpec";
    public const string ProviderNotFound = "ProviderNotFound";
    /// <summary>spec.state Scheduled and spec.scheduleRef names no PowerSchedule in this namespace.</summary>
    public const string ScheduleNotFound = "ScheduleNotFound";
    /// <summary>Another ServerPower (created earlier) declares the same server of the same account: this one sends nothing.</summary>
    public const string ServerConflict = "ServerConflict";
    /// <summary>The reconcile failed unexpectedly (a defect); a deletion still goes on.</summary>
    public const string ReconcileError = "ReconcileError";
    /// <summary>(Ready and Synced) the namespace holds more ServerPowers than the operator serves per namespace; this one is not served.</summary>
    public const string NamespaceLimitExceeded = "NamespaceLimitExceeded";

    // PowerProvider Ready
    public const string ProviderReady = "ProviderReady";
    public const string EndpointNotAllowed = "EndpointNotAllowed";

    // PowerSchedule Ready
    public const string ScheduleValid = "ScheduleValid";
}
