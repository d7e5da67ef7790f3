namespace ServerPower.KubectlPower.Tests;

/// <summary>A kubeconfig file whose API server is a closed port on loopback: every request fails at once, locally.</summary>
public sealed class UnreachableKubeconfig : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("kubectl-power-").FullName;

    public UnreachableKubeconfig()
    {
        File.WriteAllText(Path, """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            """);
    }

    public string Path => System.IO.Path.Combine(directory, "config");

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
