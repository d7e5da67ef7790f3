using Microsoft.Extensions.Time.Testing;
using ServerPower.Api.Resources;
using ServerPower.Operator.Probing;
using ServerPower.Sandbox.Services;
using ServerPower.Providers.Outbound;

namespace ServerPower.Operator.Tests.Probing;

/// <summary>The probe runner against real listeners on 127.0.0.1; timeouts run on a fake clock, so nothing sleeps.</summary>
public sealed class ProbeRunnerTests : IAsyncDisposable
{
    private readonly FakeTimeProvider time = new();
    private readonly ServiceListener service = ServiceListener.Start();
    private readonly ProbeRunner runner;

    public ProbeRunnerTests() => runner = new ProbeRunner(time, new OutboundConnector(OutboundPolicy.AllowingLoopback));

    private ReadinessProbeSpec Tcp() => new() { TcpSocket = new TcpSocketProbe { Host = "127.0.0.1", Port = service.Port } };

    private ReadinessProbeSpec Http(string path = "/health") => new() { HttpGet = new HttpGetProbe { Url = $"http://127.0.0.1:{service.Port}{path}" } };

    [Fact]
    public async Task Tcp_passes_when_the_port_accepts()
    {
        var attempt = await runner.RunAsync(Tcp(), TestContext.Current.CancellationToken);
        Assert.True(attempt.Success, attempt.Message);
        Assert.Equal($"tcp 127.0.0.1:{service.Port} accepted the connection", attempt.Message);
        // A connect completes at the handshake, before the listener's accept loop counts it: wait for the count.
        await Eventually.Until(() => service.Accepted >= 1, "1 connection(s) counted");
        Assert.Equal(1, service.Accepted);
    }

    [Fact]
    public async Task Tcp_fails_with_the_socket_error_when_the_port_is_closed()
    {
        service.Close();
        var attempt = await runner.RunAsync(Tcp(), TestContext.Current.CancellationToken);
        Assert.False(attempt.Success);
        Assert.False(attempt.TimedOut);
        Assert.Equal($"tcp 127.0.0.1:{service.Port}: ConnectionRefused", attempt.Message);
    }

    [Fact]
    public async Task Tcp_passes_again_when_the_listener_reopens_on_the_same_port()
    {
        service.Close();
        Assert.False((await runner.RunAsync(Tcp(), TestContext.Current.CancellationToken)).Success);
        service.Open();
        Assert.True((await runner.RunAsync(Tcp(), TestContext.Current.CancellationToken)).Success);
    }

    [Theory]
    [InlineData(200, true, "HTTP 200")]
    [InlineData(204, true, "HTTP 204")]
    [InlineData(299, true, "HTTP 299")]
    [InlineData(300, true, "HTTP 300 (redirect not followed)")]
    [InlineData(302, true, "HTTP 302 (redirect not followed)")]
    [InlineData(399, true, "HTTP 399 (redirect not followed)")]
    [InlineData(400, false, "HTTP 400")]
    [InlineData(404, false, "HTTP 404")]
    [InlineData(500, false, "HTTP 500")]
    [InlineData(503, false, "HTTP 503")]
    public async Task Http_passes_on_2xx_and_3xx_only(int code, bool success, string message)
    {
        service.StatusCode = code;
        var attempt = await runner.RunAsync(Http(), TestContext.Current.CancellationToken);
        Assert.Equal((success, message), (attempt.Success, attempt.Message));
    }

    [Fact]
    public async Task Http_asks_for_the_connection_to_be_closed_and_names_the_operator()
    {
        var attempt = await runner.RunAsync(Http(), TestContext.Current.CancellationToken);
        Assert.True(attempt.Success, attempt.Message);
        var headers = service.LastRequest!.Split("\r\n");
        Assert.Equal("GET /health HTTP/1.1", headers[0]);
        Assert.Contains("Connection: close", headers);
        Assert.Contains("User-Agent: serverpower-operator-probe/1.0", headers);
    }

    [Fact]
    public async Task An_httpGet_url_it_cannot_send_fails_with_the_error_type_and_the_url()
    {
        var probe = new ReadinessProbeSpec { HttpGet = new HttpGetProbe { Url = "health" } };
        var attempt = await runner.RunAsync(probe, TestContext.Current.CancellationToken);
        Assert.Equal((false, "GET health: InvalidOperationException"), (attempt.Success, attempt.Message));
        Assert.False(attempt.TimedOut);
    }

    [Fact]
    public async Task A_probe_cancelled_by_its_caller_is_not_a_timeout_even_when_its_time_is_up_too()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        // timeoutSeconds 0: the timeout has passed before the probe starts, as has the caller's cancellation.
        var probe = Tcp() with { TimeoutSeconds = 0 };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync(probe, cancelled.Token));
    }

    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        service.StatusCode = 302;
        var attempt = await runner.RunAsync(Http(), TestContext.Current.CancellationToken);
        Assert.True(attempt.Success);
        // The Location points at elsewhere.invalid: following it would have failed name resolution.
        // A connect completes at the handshake, before the listener's accept loop counts it: wait for the count.
        await Eventually.Until(() => service.Accepted >= 1, "1 connection(s) counted");
        Assert.Equal(1, service.Accepted);
    }

    [Fact]
    public async Task Http_fails_when_the_port_is_closed()
    {
        service.Close();
        var attempt = await runner.RunAsync(Http(), TestContext.Current.CancellationToken);
        Assert.False(attempt.Success);
        Assert.Equal($"GET http://127.0.0.1:{service.Port}/health: ConnectionRefused", attempt.Message);
    }

    [Fact]
    public async Task A_slow_answer_times_out_after_timeoutSeconds_on_the_clock()
    {
        service.Hang = true;
        var connected = service.NextConnection;
        var probe = Http() with { TimeoutSeconds = 3 };
        var running = runner.RunAsync(probe, TestContext.Current.CancellationToken);
        await connected.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(running.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var attempt = await running.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.False(attempt.Success);
        Assert.True(attempt.TimedOut);
        Assert.Equal("no answer within 3s", attempt.Message);
        Assert.Equal(TimeSpan.FromSeconds(3), attempt.Latency);
    }

    [Fact]
    public async Task Each_probe_opens_its_own_connection()
    {
        for (var i = 0; i < 3; i++) Assert.True((await runner.RunAsync(Http(), TestContext.Current.CancellationToken)).Success);
        // A connect completes at the handshake, before the listener's accept loop counts it: wait for the count.
        await Eventually.Until(() => service.Accepted >= 3, "3 connection(s) counted");
        Assert.Equal(3, service.Accepted);
    }

    public async ValueTask DisposeAsync()
    {
        runner.Dispose();
        await service.DisposeAsync();
    }
}
