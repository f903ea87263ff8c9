using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Supervision.Scoring.Compiled;

/// <summary>
/// An array on the pinned object heap whose usable part starts on a 64-byte boundary: table rows and records read
/// as whole 512-bit vectors then never straddle two cache lines (an ordinary array's data starts 16 bytes into
/// its line, so every such load would touch two). Pinned, so the alignment holds for the array's life.
/// </summary>
internal readonly struct AlignedArray<T>
    where T : unmanaged
{
    private const int Alignment = 64;

    private readonly T[] _array;
    private readonly int _start;

    public unsafe AlignedArray(int length)
    {
        _array = GC.AllocateArray<T>(length + (Alignment / Unsafe.SizeOf<T>()), pinned: true);
        var address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
        _start = (int)((Alignment - (address % Alignment)) % Alignment) / Unsafe.SizeOf<T>();
        Length = length;
    }

    public int Length { get; }

    public Span<T> Span => _array.AsSpan(_start, Length);

    public ref T Start => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _start);

    public bool IsEmpty => _array is null;
}
