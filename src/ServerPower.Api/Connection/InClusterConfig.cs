using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using k8s;

namespace ServerPower.Api.Connection;

/// <summary>
/// The in-cluster configuration, as client-go's <c>rest.InClusterConfig</c>: https to KUBERNETES_SERVICE_HOST and
/// KUBERNETES_SERVICE_PORT, the service account's CA, and its token re-read on rotation. Built here rather than by
/// KubernetesClient's InClusterConfig so the files' paths can be chosen (its paths are fixed) and so no YAML is read.
/// </summary>
public static class InClusterConfig
{
    /// <summary>Whether the host and port are set and the token file exists (client-go's check).</summary>
    public static bool IsAvailable(ServiceAccountFiles files, string? host, string? port) =>
        !string.IsNullOrEmpty(host) && !string.IsNullOrEmpty(port) && File.Exists(files.TokenFile);

    public static KubernetesClientConfiguration Load(ServiceAccountFiles files, string host, string port)
    {
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            throw new KubeconfigException($"KUBERNETES_SERVICE_PORT '{port}' is not a port number");
        var ca = new X509Certificate2Collection();
        try
        {
            ca.ImportFromPemFile(files.CaFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new KubeconfigException($"cannot read the service account CA {files.CaFile}: {e.Message}");
        }
        if (ca.Count == 0) throw new KubeconfigException($"the service account CA {files.CaFile} holds no certificate");
        var token = new TokenFileCredentials(files.TokenFile);
        try
        {
            token.Token();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubeconfigException($"cannot read the service account token {files.TokenFile}: {e.Message}");
        }
        return new KubernetesClientConfiguration
        {
            Host = new UriBuilder("https", host, number).Uri.ToString(),
            SslCaCerts = ca,
            TokenProvider = token,
        };
    }
}
