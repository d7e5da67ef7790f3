using ServerPower.Api.Connection;

namespace ServerPower.Benchmarks;

/// <summary>A temporary directory holding what a pod's service account mount holds: the token and the cluster's CA.</summary>
public sealed class ServiceAccountDirectory : IDisposable
{
    private readonly string dir;

    private ServiceAccountDirectory(string dir) => this.dir = dir;

    public ServiceAccountFiles Files => new(Path.Combine(dir, "token"), Path.Combine(dir, "ca.crt"));

    public static async Task<ServiceAccountDirectory> WriteAsync(string token, string caPem, CancellationToken cancellationToken)
    {
        var directory = new ServiceAccountDirectory(Directory.CreateTempSubdirectory("bench-serviceaccount-").FullName);
        await File.WriteAllTextAsync(directory.Files.TokenFile, token, cancellationToken);
        await File.WriteAllTextAsync(directory.Files.CaFile, caPem, cancellationToken);
        return directory;
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
