using System.Net.Http.Headers;
using k8s.Authentication;

namespace ServerPower.Api.Connection;

/// <summary>
/// A bearer token read from a file that is rotated under us (a projected service-account token, kubeconfig
/// <c>user.tokenFile</c>). The file is re-read as soon as its write time or length changes, and at least every
/// minute; KubernetesClient's own TokenFileAuth keeps a read token for a minute whatever happens to the file, and its
/// kubeconfig loader ignores <c>tokenFile</c>. If a re-read fails or finds the file empty, the last token read is used.
/// </summary>
public sealed class TokenFileCredentials : ITokenProvider
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private string? token;
    private (DateTime WriteTime, long Length) stamp;
    private DateTimeOffset readAt;

    public TokenFileCredentials(string path, TimeProvider? time = null)
    {
        Path = path;
        this.time = time ?? TimeProvider.System;
    }

    public string Path { get; }

    public Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new AuthenticationHeaderValue("Bearer", Token()));

    /// <summary>The current token; throws only when the file has never been read successfully.</summary>
    public string Token()
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            try
            {
                var info = new FileInfo(Path);
                var current = (info.LastWriteTimeUtc, info.Length);
                if (token is not null && current == stamp && now - readAt < MaxAge) return token;
                var text = File.ReadAllText(Path).Trim();
                if (text.Length == 0) throw new IOException($"the token file {Path} is empty");
                (token, stamp, readAt) = (text, current, now);
            }
            catch (Exception e) when (token is not null && e is IOException or UnauthorizedAccessException)
            {
                // keep the last token; the next request tries the file again
            }
            return token ?? throw new IOException($"cannot read the token file {Path}");
        }
    }
}
