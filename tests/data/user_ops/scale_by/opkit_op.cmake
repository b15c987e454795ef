# Hand-written glue of a test op (opkit normally generates this file).
set(OPKIT_OP_NAME "ScaleBy")
set(OPKIT_OP_VERSION 1)
set(OPKIT_OP_REGISTER "Register_SCALE_BY")
set(OPKIT_OP_SOURCES "scale_by.cc")
