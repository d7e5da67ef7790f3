namespace ServerPower.Providers.Http;

/// <summary>An HTTP body read up to a bound: past it, reading stops (the connection is then dropped, not drained).</summary>
public static class BoundedBody
{
    /// <summary>The body's bytes, or null when it is (or declares itself) longer than <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit) return null;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[Math.Min(limit + 1, 16 * 1024)];
        using var body = new MemoryStream();
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > limit) return null;
            body.Write(buffer, 0, read);
        }
        return body.ToArray();
    }
}
