using System.Net;

namespace ServerPower.Providers.Http;

/// <summary>
/// A request body that can be written to the wire once only. SocketsHttpHandler resends a request on a new
/// connection when a reused connection is closed before any byte of the answer, but only when the request has
/// no content (or waits for 100-continue); it writes the headers and the content in one flush after serializing
/// the content. A request carrying this content is therefore never resent: a second serialization throws before
/// anything of the second copy is written, whatever the handler decides.
/// </summary>
internal sealed class SendOnceContent : HttpContent
{
    private readonly byte[] body;
    private int serialized;

    public SendOnceContent(byte[] body, string? mediaType)
    {
        this.body = body;
        if (mediaType is not null)
        {
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        ThrowIfSerializedBefore();
        await stream.WriteAsync(body, cancellationToken);
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        ThrowIfSerializedBefore();
        stream.Write(body);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = body.Length;
        return true;
    }

    private void ThrowIfSerializedBefore()
    {
        if (Interlocked.Exchange(ref serialized, 1) != 0)
        {
            throw new InvalidOperationException("refused to send this request a second time: it is sent at most once");
        }
    }
}
