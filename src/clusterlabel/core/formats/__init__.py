"""Our own date and number formats per language (``FORMAT_MODULE_PATH``): Django's ``en`` writes
US dates ("Jan. 15, 2016", "01/12/2027"), which every European reader can misread, so English
pages use day-first dates as in the UK. German keeps Django's formats, restated here so that
both languages are defined in one place."""
