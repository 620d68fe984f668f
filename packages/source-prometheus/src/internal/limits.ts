/** Limits applied while parsing a page; 0 or absent means no limit (as in Prometheus). */
export interface ExpositionLimits {
  /** Most samples one page may hold; more fails the whole page (`sample_limit`). */
  readonly sampleLimit?: number;
  /** Most labels one series may have, `__name__` included (`label_limit`). */
  readonly labelLimit?: number;
  /** Longest label name, in UTF-16 code units (`label_name_length_limit`). */
  readonly labelNameLengthLimit?: number;
  /** Longest label value, in UTF-16 code units (`label_value_length_limit`). */
  readonly labelValueLengthLimit?: number;
}
