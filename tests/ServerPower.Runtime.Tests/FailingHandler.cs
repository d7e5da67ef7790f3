namespace ServerPower.Runtime.Tests;

/// <summary>An HTTP handler under KubernetesClient that drops the next requests as a broken connection would.</summary>
internal sealed class FailingHandler : DelegatingHandler
{
    private int failuresLeft;
    private int failed;
    private int passed;

    public int Failed => Volatile.Read(ref failed);

    public int Passed => Volatile.Read(ref passed);

    public void FailNext(int times) => Volatile.Write(ref failuresLeft, times);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref failuresLeft) >= 0)
        {
            Interlocked.Increment(ref failed);
            throw new HttpRequestException("Connection refused (injected)");
        }
        Interlocked.Exchange(ref failuresLeft, 0);
        var response = await base.SendAsync(request, cancellationToken);
        Interlocked.Increment(ref passed);
        return response;
    }
}
