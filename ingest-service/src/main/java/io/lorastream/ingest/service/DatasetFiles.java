package io.lorastream.ingest.service;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** A folder of dataset files, local or remote, opened by file name ({@code train_text.txt}, ...). */
public interface DatasetFiles {
    /** Where the files are, for reports and messages. */
    String location();

    /** Opens a file for reading, or empty when it does not exist; other failures throw. */
    Optional<InputStream> open(String name) throws IOException;

    /** The file's size in bytes when known without reading it (progress), else -1. */
    long size(String name);
}
