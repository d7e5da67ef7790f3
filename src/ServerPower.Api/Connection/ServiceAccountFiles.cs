namespace ServerPower.Api.Connection;

/// <summary>The service account's files a pod gets (the bearer token, rotated by the kubelet, and the cluster's CA).</summary>
public sealed record ServiceAccountFiles(string TokenFile, string CaFile)
{
    public const string MountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static ServiceAccountFiles Default { get; } = new($"{MountPath}/token", $"{MountPath}/ca.crt");
}
