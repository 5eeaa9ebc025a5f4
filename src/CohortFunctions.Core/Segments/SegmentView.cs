namespace CohortFunctions.Segments;

/// <summary>A segment with its current size.</summary>
internal sealed record SegmentView(Segment Segment, long Size);
