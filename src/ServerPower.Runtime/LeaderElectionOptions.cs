namespace ServerPower.Runtime;

public sealed record LeaderElectionOptions
{
    /// <summary>Where a pod's service account token mount names its namespace.</summary>
    internal const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>Off: this replica is always the leader (one replica, or tests).</summary>
    public bool Enabled { get; init; } = true;

    public string LeaseName { get; init; } = "serverpower-operator";

    /// <summary>Defaults to POD_NAMESPACE, then the service account's namespace file, then <c>default</c>.</summary>
    public string? LeaseNamespace { get; init; }

    /// <summary>Defaults to POD_NAME, else the host name with a random suffix.</summary>
    public string? Identity { get; init; }

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Bound on releasing the lease at shutdown (one GET and one PUT).</summary>
    public TimeSpan ReleaseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public string ResolveIdentity() => ResolveIdentity(Environment.GetEnvironmentVariable);

    public string ResolveNamespace() => ResolveNamespace(Environment.GetEnvironmentVariable, ServiceAccountNamespaceFile);

    /// <summary><see cref="ResolveIdentity()"/> over the given environment (the tests').</summary>
    internal string ResolveIdentity(Func<string, string?> environment)
    {
        if (!string.IsNullOrEmpty(Identity)) return Identity;
        if (environment("POD_NAME") is { Length: > 0 } pod) return pod;
        return $"{Environment.MachineName}_{Guid.NewGuid().ToString()[..8]}";
    }

    /// <summary><see cref="ResolveNamespace()"/> over the given environment and namespace file (the tests').</summary>
    internal string ResolveNamespace(Func<string, string?> environment, string serviceAccountFile)
    {
        if (!string.IsNullOrEmpty(LeaseNamespace)) return LeaseNamespace;
        if (environment("POD_NAMESPACE") is { Length: > 0 } ns) return ns;
        return File.Exists(serviceAccountFile) ? File.ReadAllText(serviceAccountFile).Trim() : "default";
    }
}
