using System.Net;
using k8s.Autorest;
using k8s.LeaderElection;
using Microsoft.Extensions.Logging.Abstractions;
using ServerPower.Runtime;

namespace ServerPower.Runtime.Tests;

public sealed class TolerantLockTests
{
    private static readonly LeaderElectionRecord Record = new() { HolderIdentity = "me", LeaseDurationSeconds = 15 };

    [Fact]
    public async Task A_transport_error_of_a_get_becomes_a_503_the_elector_retries()
    {
        var cause = new HttpRequestException("Connection refused");
        var tolerant = new TolerantLock(new ThrowingLock(() => cause), NullLogger.Instance);

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => tolerant.GetAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.Response.StatusCode);
        Assert.Same(cause, e.InnerException);
    }

    [Fact]
    public async Task An_answer_of_the_api_server_passes_through_unchanged()
    {
        using var notFound = new HttpResponseMessage(HttpStatusCode.NotFound);
        var answer = new HttpOperationException("not found") { Response = new HttpResponseMessageWrapper(notFound, "") };
        var tolerant = new TolerantLock(new ThrowingLock(() => answer), NullLogger.Instance);

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => tolerant.GetAsync(TestContext.Current.CancellationToken));

        Assert.Same(answer, e);
    }

    [Fact]
    public async Task A_failed_write_is_a_failed_attempt_including_a_client_timeout()
    {
        var timeout = new TolerantLock(new ThrowingLock(() => new TaskCanceledException("HttpClient.Timeout", new TimeoutException())),
            NullLogger.Instance);
        var io = new TolerantLock(new ThrowingLock(() => new IOException("The response ended prematurely.")), NullLogger.Instance);
        var ct = TestContext.Current.CancellationToken;

        Assert.False(await timeout.UpdateAsync(Record, ct));
        Assert.False(await io.CreateAsync(Record, ct));
        await Assert.ThrowsAsync<HttpOperationException>(() => timeout.GetAsync(ct));
    }

    [Fact]
    public async Task Cancellation_by_the_caller_passes_through()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var tolerant = new TolerantLock(new ThrowingLock(() => new OperationCanceledException(cts.Token)), NullLogger.Instance);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tolerant.GetAsync(cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tolerant.UpdateAsync(Record, cts.Token));
    }

    [Fact]
    public async Task An_error_without_an_answer_of_the_api_server_becomes_a_503()
    {
        var unanswered = new HttpOperationException("no response");
        var tolerant = new TolerantLock(new ThrowingLock(() => unanswered), NullLogger.Instance);

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => tolerant.GetAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.Response.StatusCode);
        Assert.Same(unanswered, e.InnerException);
        Assert.Contains("no response", e.Message);
    }

    [Fact]
    public async Task Only_a_cancellation_passes_through_when_the_caller_cancels_not_another_error()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var cause = new IOException("The response ended prematurely.");
        var tolerant = new TolerantLock(new ThrowingLock(() => cause), NullLogger.Instance);

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => tolerant.GetAsync(cts.Token));
        Assert.Same(cause, e.InnerException);
        Assert.False(await tolerant.UpdateAsync(Record, cts.Token));
    }

    [Fact]
    public void The_identity_and_description_are_the_inner_locks()
    {
        var tolerant = new TolerantLock(new ThrowingLock(() => new IOException()), NullLogger.Instance);

        Assert.Equal(("me", "throwing lock"), (tolerant.Identity, tolerant.Describe()));
    }

    private sealed class ThrowingLock(Func<Exception> error) : ILock
    {
        public string Identity => "me";

        public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default) => throw error();

        public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) => throw error();

        public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) => throw error();

        public string Describe() => "throwing lock";
    }
}
