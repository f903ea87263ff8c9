namespace Supervision.Streaming.Pipeline;

/// <summary>The bytes of the commands the write-ahead log records beside reports (ticks, alert actions).</summary>
public static class EngineCommandCodec
{
    private const byte Format = 1;
    private const byte TickType = 1;
    private const byte AcknowledgeType = 2;

    /// <summary>The bytes of a logged command.</summary>
    /// <exception cref="ArgumentException">The command is not one the log records.</exception>
    public static byte[] Encode(EngineCommand command)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Format);
            switch (command)
            {
                case EngineCommand.Tick tick:
                    writer.Write(TickType);
                    writer.Write(tick.At.UtcTicks);
                    break;
                case EngineCommand.Acknowledge ack:
                    writer.Write(AcknowledgeType);
                    writer.Write(ack.AlertId);
                    writer.Write(ack.By);
                    writer.Write(ack.At.UtcTicks);
                    break;
                default:
                    throw new ArgumentException($"{command.GetType().Name} is not logged as a command", nameof(command));
            }
        }
        return buffer.ToArray();
    }

    /// <summary>The command <see cref="Encode"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a command of this format.</exception>
    public static EngineCommand Decode(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes.ToArray()), System.Text.Encoding.UTF8);
            var format = reader.ReadByte();
            if (format != Format)
            {
                throw new InvalidDataException($"command format {format}; this version reads {Format}");
            }
            return reader.ReadByte() switch
            {
                TickType => new EngineCommand.Tick(new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero)),
                AcknowledgeType => new EngineCommand.Acknowledge(reader.ReadString(), reader.ReadString(), new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero)),
                var type => throw new InvalidDataException($"unknown command type {type}"),
            };
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("the command is cut short", e);
        }
    }
}
