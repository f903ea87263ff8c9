namespace Supervision.Streaming.Rules.Equipment;

/// <summary>A condition that holds from <see cref="Start"/> (event-time ticks, 0 when it does not hold) and the alert it keeps open.</summary>
internal struct Run
{
    public long Start;
    public int Alert;

    public static void Write(BinaryWriter writer, Run run)
    {
        writer.Write(run.Start);
        writer.Write(run.Alert);
    }

    public static Run Read(BinaryReader reader) => new() { Start = reader.ReadInt64(), Alert = reader.ReadInt32() };
}
