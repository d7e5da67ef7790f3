using ServerPower.Operator.Probing;
using ServerPower.Runtime;

namespace ServerPower.Operator.Tests.Probing;

/// <summary>The ServerPower controller's queue for tests: each enqueued key goes to <paramref name="enqueued"/>.</summary>
public sealed class CallbackServerQueue(Action<ObjectKey> enqueued) : IServerQueue
{
    public static CallbackServerQueue None { get; } = new(_ => { });

    public void Enqueue(ObjectKey key) => enqueued(key);
}
