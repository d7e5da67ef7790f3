using System.Threading.Channels;

namespace ServerPower.Sandbox.Kubernetes.Storage;

/// <summary>A registered watch: the store writes matching events into its channel.</summary>
/// <remarks>A watcher that falls behind by more than its capacity is closed, like the real server closes slow watchers.</remarks>
public sealed class Watcher(string storageKey, string? ns, int capacity)
{
    private readonly Channel<WatchEvent> channel = Channel.CreateBounded<WatchEvent>(
        new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });

    public string StorageKey { get; } = storageKey;
    public string? Namespace { get; } = ns;
    public ChannelReader<WatchEvent> Reader => channel.Reader;

    internal void Offer(WatchEvent e)
    {
        if (Namespace is not null && Namespace != e.Namespace)
        {
            return;
        }
        if (!channel.Writer.TryWrite(e))
        {
            channel.Writer.TryComplete();
        }
    }

    internal void Close() => channel.Writer.TryComplete();
}
