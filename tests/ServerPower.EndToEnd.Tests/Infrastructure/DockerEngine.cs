using System.Net.Sockets;

namespace ServerPower.EndToEnd.Tests.Infrastructure;

/// <summary>Whether a Docker engine answers here (the k3s suite needs one); the reason when not.</summary>
public static class DockerEngine
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    /// <summary>Null when an engine answers; otherwise why the k3s suite is skipped.</summary>
    public static string? UnavailableReason => Unavailable.Value;

    private static string? Probe()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (host is { Length: > 0 } && !host.StartsWith("unix://", StringComparison.Ordinal))
            return null; // a remote engine: let Testcontainers try it and fail loudly if it is wrong
        var socket = host is { Length: > 0 } ? host["unix://".Length..] : "/var/run/docker.sock";
        if (!File.Exists(socket)) return $"no Docker engine: {socket} does not exist (the k3s suite runs where Docker does)";
        try
        {
            using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            s.Connect(new UnixDomainSocketEndPoint(socket));
            s.Send("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"u8);
            var buffer = new byte[64];
            var n = s.Receive(buffer);
            var answer = System.Text.Encoding.ASCII.GetString(buffer, 0, n);
            return answer.Contains(" 200 ", StringComparison.Ordinal) ? null : $"the Docker engine at {socket} did not answer /_ping with 200";
        }
        catch (SocketException e)
        {
            return $"no Docker engine answers at {socket}: {e.Message}";
        }
    }
}
