package org.wikipulse.batch;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.transforms.Combine;

/**
 * Gathers every element into one list (in no particular order), for the steps that need a whole,
 * small result at once: the hours of the trends, the servers of the ranking.
 */
public class CollectToList<T> extends Combine.CombineFn<T, List<T>, List<T>> {
  @Override
  public List<T> createAccumulator() {
    return new ArrayList<>();
  }

  @Override
  public List<T> addInput(List<T> list, T element) {
    list.add(element);
    return list;
  }

  @Override
  public List<T> mergeAccumulators(Iterable<List<T>> lists) {
    List<T> merged = new ArrayList<>();
    lists.forEach(merged::addAll);
    return merged;
  }

  @Override
  public List<T> extractOutput(List<T> list) {
    return list;
  }

  @Override
  public Coder<List<T>> getAccumulatorCoder(CoderRegistry registry, Coder<T> inputCoder) {
    return ListCoder.of(inputCoder);
  }

  @Override
  public Coder<List<T>> getDefaultOutputCoder(CoderRegistry registry, Coder<T> inputCoder) {
    return ListCoder.of(inputCoder);
  }
}
